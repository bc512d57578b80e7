// Rust std guest: ways a Rust program ends.
//   panic      panic!() with a message: the message goes to stderr, then the
//              guest traps (wasm32-wasi panics abort: `unreachable`)
//   unwrap     unwrap() on a failed file open: a panic naming the OS error
//   exit N     std::process::exit(N): WASI 0.2 exit with err (N != 0)
//   (none)     return normally
use std::io::Write;

#[inline(never)]
fn rust_panic_inner(what: &str) -> ! {
    panic!("asked to panic: {}", what);
}

#[inline(never)]
fn rust_panic_outer(what: &str) -> usize {
    if what.is_empty() {
        return 0;
    }
    rust_panic_inner(what)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().map(String::as_str).unwrap_or("");
    println!("mode: {}", if mode.is_empty() { "return" } else { mode });
    std::io::stdout().flush().unwrap();
    match mode {
        "panic" => {
            rust_panic_outer("from main");
        }
        "unwrap" => {
            let f = std::fs::File::open("/no/such/file.txt");
            println!("opened: {}", f.is_ok());
            f.unwrap();
        }
        "exit" => {
            let code: i32 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(3);
            println!("exiting with status {}", code);
            std::process::exit(code);
        }
        _ => {}
    }
    println!("returned normally");
}
