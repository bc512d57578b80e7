// JS guest: several fetch() requests in flight at once (Promise.all) — three
// that the server holds until all three arrived, a slow one, a JSON document,
// a POST and a PUT with bodies, a chunked response and a 404 — printed in
// request order.
import { getEnvironment } from "wasi:cli/environment@0.2.3";

async function describe(label, promise) {
  const response = await promise;
  const text = await response.text();
  return `${label}: ${response.status} ${text.length} bytes: ${text.slice(0, 60)}`;
}

export const run = {
  async run() {
    const env = new Map(getEnvironment());
    const base = env.get("HTTP_BASE");
    // The server answers a request of group g only once all three arrived,
    // so "3 of 3 together" proves they were in flight at the same time.
    const group = env.get("HTTP_GROUP") ?? "g";
    const barrier = (id) => fetch(`${base}/barrier?group=${group}&n=3&id=${id}`);
    const lines = await Promise.all([
      describe("barrier-a", barrier("a")),
      describe("slow", fetch(`${base}/slow?ms=300&id=s`)),
      describe("barrier-b", barrier("b")),
      describe("json", fetch(`${base}/json`)),
      describe("post", fetch(`${base}/echo`, { method: "POST", body: "x".repeat(100000),
                                              headers: { "content-type": "text/plain" } })),
      describe("put", fetch(`${base}/echo`, { method: "PUT", body: new Uint8Array(3000).fill(7) })),
      describe("chunked", fetch(`${base}/chunked`)),
      describe("missing", fetch(`${base}/no-such-page`)),
      describe("barrier-c", barrier("c")),
    ]);
    for (const line of lines) console.log(line);
  },
};
