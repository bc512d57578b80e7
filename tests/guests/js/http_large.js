// JS guest: fetch() of a large body (HTTP_LARGE_SIZE bytes, default 50 MiB,
// sent after HTTP_LARGE_DELAY_MS, default 0) read chunk by chunk from the response stream, never held whole: prints its
// length and a hash computed in JS over fixed 1 MiB blocks (so that it does
// not depend on how the body was cut into chunks):
//   chain = 32 zero bytes; per block: chain = SHA-256(chain || SHA-256(block))
import { getEnvironment } from "wasi:cli/environment@0.2.3";

const BLOCK = 1 << 20;

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

class BlockHash {
  constructor() {
    this.block = new Uint8Array(BLOCK);
    this.fill = 0;
    this.chain = new Uint8Array(32);
  }
  async update(chunk) {
    // StarlingMonkey may refill a chunk's buffer while this awaits a digest:
    // take a copy first.
    const bytes = chunk.slice();
    for (let off = 0; off < bytes.length; ) {
      const n = Math.min(BLOCK - this.fill, bytes.length - off);
      this.block.set(bytes.subarray(off, off + n), this.fill);
      this.fill += n;
      off += n;
      if (this.fill === BLOCK) await this.flush();
    }
  }
  async flush() {
    const digest = await crypto.subtle.digest("SHA-256", this.block.subarray(0, this.fill));
    const both = new Uint8Array(64);
    both.set(this.chain);
    both.set(new Uint8Array(digest), 32);
    this.chain = new Uint8Array(await crypto.subtle.digest("SHA-256", both));
    this.fill = 0;
  }
  async hex() {
    if (this.fill > 0) await this.flush();
    return hex(this.chain);
  }
}

export const run = {
  async run() {
    const env = new Map(getEnvironment());
    const size = env.get("HTTP_LARGE_SIZE") ?? String(50 * 1024 * 1024);
    const delay = env.get("HTTP_LARGE_DELAY_MS") ?? "0";
    const response = await fetch(`${env.get("HTTP_BASE")}/large?size=${size}&delay=${delay}`);
    console.log(`status: ${response.status}`);
    console.log(`content-length: ${response.headers.get("content-length")}`);
    const reader = response.body.getReader();
    const hash = new BlockHash();
    let length = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.length;
      await hash.update(value);
    }
    console.log(`length: ${length}`);
    console.log(`block-sha256: ${await hash.hex()}`);
  },
};
