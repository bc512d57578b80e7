// A Rust guest built with -g -C opt-level=0 (DWARF): the loop of
// c_debug/debug_loop.c in Rust; "trap" as its argument ends it three calls
// deep with an abort (a trap), so its backtrace names these lines.
use std::time::Instant;

struct Point {
    x: i64,
    y: i64,
}

fn step(p: &mut Point, i: i64) -> i64 {
    p.x += i;
    p.y = p.y * 2 + 1;
    p.x + p.y
}

fn fail_deep(depth: u32) {
    if depth == 0 {
        std::process::abort();
    }
    fail_deep(depth - 1);
}

fn main() {
    let mut p = Point { x: 1, y: 0 };
    let mut total = 0;
    for i in 0..4 {
        let _now = Instant::now();
        total += step(&mut p, i);
        println!("step {}: x={} y={} total={}", i, p.x, p.y, total);
    }
    if std::env::args().nth(1).as_deref() == Some("trap") {
        fail_deep(2);
    }
}
