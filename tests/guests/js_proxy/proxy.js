// A componentize-js HTTP handler (wasi:http/proxy, served by `wasm-rr serve`):
//   GET  /PATH?QUERY   200 "js GET /PATH?QUERY " with an x-guest header
//   POST /PATH         200 "js POST /PATH BODY"
//   /fetch?url=URL     200 "fetched: " and the body of an outgoing GET of URL
//   /trap              the handler throws: StarlingMonkey answers 500
//   /stream?url=URL    200, streamed: "part 0\n"; then, once an outgoing GET of
//                      URL answers, "part 1: " and its body (the test's gate:
//                      it answers once the client has part 0)
//   /cut?url=URL       the same, but after the gate the body fails: the client
//                      gets part 0 and then a cut connection
//   /sleep             waits a minute (in the host's poll) before answering
function gated(url, failAfterGate) {
  let step = 0;
  const text = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      if (step === 0) {
        step = 1;
        controller.enqueue(text.encode("part 0\n"));
        return;
      }
      if (step === 1) {
        step = 2;
        const gate = await fetch(url);
        const said = await gate.text();
        if (failAfterGate) throw new Error("the body failed on purpose");
        controller.enqueue(text.encode(`part 1: ${said}\n`));
        return;
      }
      controller.close();
    },
  });
}

addEventListener("fetch", (event) => {
  event.respondWith((async () => {
    const url = new URL(event.request.url);
    if (url.pathname === "/trap") throw new Error("handler failed on purpose");
    if (url.pathname === "/sleep") {
      await new Promise((resolve) => setTimeout(resolve, 60000));
      return new Response("slept\n");
    }
    if (url.pathname === "/fetch") {
      const upstream = await fetch(url.searchParams.get("url"));
      return new Response(`fetched: ${await upstream.text()}`, {status: upstream.status});
    }
    if (url.pathname === "/stream" || url.pathname === "/cut")
      return new Response(gated(url.searchParams.get("url"), url.pathname === "/cut"),
                          {status: 200, headers: {"content-type": "text/plain"}});
    const body = event.request.method === "POST" ? await event.request.text() : "";
    return new Response(`js ${event.request.method} ${url.pathname}${url.search} ${body}`,
                        {status: 200, headers: {"x-guest": "componentize-js"}});
  })());
});
