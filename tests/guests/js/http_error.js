// JS guest: fetch() requests that fail — a closed port (connection refused,
// HTTP_CLOSED) and a name that does not resolve — printing the error's name,
// then a request that succeeds, to show the guest carries on.
import { getEnvironment } from "wasi:cli/environment@0.2.3";

async function attempt(label, url) {
  try {
    const response = await fetch(url);
    console.log(`${label}: status ${response.status}`);
  } catch (e) {
    console.log(`${label}: ${e.name}`);
  }
}

export const run = {
  async run() {
    const env = new Map(getEnvironment());
    await attempt("closed port", `${env.get("HTTP_CLOSED")}/json`);
    await attempt("bad host", "http://no-such-host.invalid/");
    await attempt("server", `${env.get("HTTP_BASE")}/status/204`);
  },
};
