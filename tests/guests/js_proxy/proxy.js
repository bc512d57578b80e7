// A componentize-js HTTP handler (wasi:http/proxy, served by `wasm-rr serve`):
//   GET  /PATH?QUERY   200 "js GET /PATH?QUERY " with an x-guest header
//   POST /PATH         200 "js POST /PATH BODY"
//   /fetch?url=URL     200 "fetched: " and the body of an outgoing GET of URL
//   /trap              the handler throws: StarlingMonkey answers 500
addEventListener("fetch", (event) => {
  event.respondWith((async () => {
    const url = new URL(event.request.url);
    if (url.pathname === "/trap") throw new Error("handler failed on purpose");
    if (url.pathname === "/fetch") {
      const upstream = await fetch(url.searchParams.get("url"));
      return new Response(`fetched: ${await upstream.text()}`, {status: upstream.status});
    }
    const body = event.request.method === "POST" ? await event.request.text() : "";
    return new Response(`js ${event.request.method} ${url.pathname}${url.search} ${body}`,
                        {status: 200, headers: {"x-guest": "componentize-js"}});
  })());
});
