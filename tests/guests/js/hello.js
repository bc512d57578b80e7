// JS guest (componentize-js / StarlingMonkey): a command component whose
// output exercises stdout, the wall clock and the random source.
// Built with every feature on, it imports all of StarlingMonkey's interfaces
// (wasi:http among them): a check of the parser and instantiation on a 10 MB
// module with a large import list.
export const run = {
  run() {
    console.log("hello from js");
    const now = Date.now();
    console.log(`date.now: ${now}`);
    // 2020-01-01T00:00:00Z
    console.log(`date plausible: ${now > 1577836800000 ? "yes" : "no"}`);
    const r = Math.random();
    console.log(`math.random: ${r}`);
    console.log(`random in range: ${r >= 0 && r < 1 ? "yes" : "no"}`);
  },
};
