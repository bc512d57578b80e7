// JS guest: fetch() of a JSON document from the test server (HTTP_BASE in the
// environment), printing the status, a header and the parsed fields.
import { getEnvironment } from "wasi:cli/environment@0.2.3";

export const run = {
  async run() {
    const base = new Map(getEnvironment()).get("HTTP_BASE");
    const response = await fetch(`${base}/json`, { headers: { "x-test": "json" } });
    console.log(`status: ${response.status} ok: ${response.ok}`);
    console.log(`content-type: ${response.headers.get("content-type")}`);
    const doc = await response.json();
    console.log(`name: ${doc.name}`);
    console.log(`version: ${doc.version}`);
    console.log(`tags: ${doc.tags.join(",")}`);
    console.log(`nested.ok: ${doc.nested.ok} ratio: ${doc.nested.ratio}`);
  },
};
