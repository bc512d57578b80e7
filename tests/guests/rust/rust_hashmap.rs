// Rust std guest: HashMap iteration order. std's RandomState takes its keys
// from the host's randomness (wasi:random), so the order of the same keys
// differs between runs, and a replay must give back the recorded order.
// `--stable` prints only what does not depend on the seed (for comparing
// against jco run).
use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hash, Hasher};

const WORDS: [&str; 24] = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
    "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa",
    "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey", "xray",
];

fn main() {
    let stable = std::env::args().any(|a| a == "--stable");
    let mut map: HashMap<&str, usize> = HashMap::new();
    for (i, w) in WORDS.iter().enumerate() {
        map.insert(w, i * w.len());
    }
    let mut sorted: Vec<(&str, usize)> = map.iter().map(|(k, v)| (*k, *v)).collect();
    sorted.sort();
    println!("entries: {}", map.len());
    let listing: Vec<String> = sorted.iter().map(|(k, v)| format!("{}={}", k, v)).collect();
    println!("sorted: {}", listing.join(" "));
    let sum: usize = map.values().sum();
    println!("sum: {}", sum);
    let set: HashSet<u32> = (0..200u32).map(|x| x * 7919 % 1000).collect();
    println!("set size: {}", set.len());
    if stable {
        return;
    }
    let order: Vec<&str> = map.keys().copied().collect();
    println!("iteration order: {}", order.join(" "));
    let set_order: Vec<String> = set.iter().take(12).map(|x| x.to_string()).collect();
    println!("set order: {}", set_order.join(" "));
    let state = RandomState::new();
    let mut h = state.build_hasher();
    "replay me".hash(&mut h);
    println!("seeded hash: {:016x}", h.finish());
}
