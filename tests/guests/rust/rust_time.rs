// Rust std guest: SystemTime (wasi:clocks/wall-clock), Instant
// (monotonic-clock) and thread::sleep (a monotonic subscription polled).
// Prints the raw times (world-dependent) and checks on them; `--stable`
// prints the checks only.
use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let stable = std::env::args().any(|a| a == "--stable");
    let sleep_ms: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(25);
    let wall = SystemTime::now().duration_since(UNIX_EPOCH).expect("time after 1970");
    let start = Instant::now();
    sleep(Duration::from_millis(sleep_ms));
    let slept = start.elapsed();
    let later = Instant::now();
    let wall2 = SystemTime::now().duration_since(UNIX_EPOCH).expect("time after 1970");
    if !stable {
        println!("wall ns: {}", wall.as_nanos());
        println!("slept ns: {}", slept.as_nanos());
        println!("wall delta ns: {}", wall2.saturating_sub(wall).as_nanos());
    }
    // 2020-01-01 .. 2100-01-01
    let plausible = wall.as_secs() > 1_577_836_800 && wall.as_secs() < 4_102_444_800;
    println!("wall plausible: {}", if plausible { "yes" } else { "no" });
    println!(
        "slept >= {}ms: {}",
        sleep_ms,
        if slept >= Duration::from_millis(sleep_ms) { "yes" } else { "no" }
    );
    println!("instant monotonic: {}", if later >= start + slept { "yes" } else { "no" });
    println!("wall nondecreasing: {}", if wall2 >= wall { "yes" } else { "no" });
}
