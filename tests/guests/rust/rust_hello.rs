// Rust std guest: arguments, environment and stdin.
// Prints every argument, the GUEST_* variables (sorted; jco run passes the
// whole host environment, so others are not printed), then stdin's length,
// its FNV-1a hash and the text itself. All of it comes from the world:
// replay must reproduce it with other args, env and stdin around.
use std::io::{self, Read, Write};

fn fnv1a(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in data {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    println!("hello from rust");
    println!("argc: {}", args.len());
    for (i, a) in args.iter().enumerate().skip(1) {
        println!("arg[{}]: {}", i, a);
    }
    let mut vars: Vec<(String, String)> =
        std::env::vars().filter(|(k, _)| k.starts_with("GUEST_")).collect();
    vars.sort();
    for (k, v) in &vars {
        println!("env: {}={}", k, v);
    }
    let mut input = Vec::new();
    io::stdin().read_to_end(&mut input).expect("read stdin");
    println!("stdin length: {}", input.len());
    println!("stdin fnv1a: {:08x}", fnv1a(&input));
    println!("--- stdin ---");
    let mut out = io::stdout().lock();
    out.write_all(&input).expect("write stdout");
    out.flush().expect("flush stdout");
    eprintln!("rust_hello: done");
}
