// Rust std guest: files in a preopened directory.
//     rust_files [DIR [INPUT]]     (default: /data input.txt)
// Reads DIR/INPUT if it is there (world-dependent: the recording's file),
// then in DIR/rust_scratch creates, writes, appends, reads, renames, lists,
// stats and removes files and a directory, printing what it saw.
use std::fs::{self, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "/data".to_string());
    let input = std::env::args().nth(2).unwrap_or_else(|| "input.txt".to_string());
    let root = Path::new(&dir);
    match fs::read_to_string(root.join(&input)) {
        Ok(text) => println!("{}: {:?}", input, text),
        Err(e) => println!("{}: error {:?}", input, e.kind()),
    }
    let scratch = root.join("rust_scratch");
    if let Err(e) = fs::create_dir(&scratch) {
        println!("create_dir: error {:?}", e.kind());
        std::process::exit(2);
    }
    println!("create_dir: ok");

    let a = scratch.join("a.txt");
    fs::write(&a, b"first line\n").expect("write a.txt");
    let mut f = OpenOptions::new().append(true).open(&a).expect("open a.txt for append");
    writeln!(f, "second line").expect("append");
    drop(f);
    println!("a.txt: {:?}", fs::read_to_string(&a).expect("read a.txt"));

    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .open(scratch.join("b.bin"))
        .expect("create b.bin");
    let data: Vec<u8> = (0..5000u32).map(|i| (i * 31 % 251) as u8).collect();
    f.write_all(&data).expect("write b.bin");
    f.seek(SeekFrom::Start(4000)).expect("seek");
    let mut tail = Vec::new();
    f.read_to_end(&mut tail).expect("read b.bin tail");
    println!("b.bin tail: {} bytes, first {} last {}", tail.len(), tail[0], tail[tail.len() - 1]);
    let meta = f.metadata().expect("metadata b.bin");
    println!("b.bin: len {}, is_file {}", meta.len(), meta.is_file());
    let mtime_ok = meta.modified().map(|t| t > std::time::UNIX_EPOCH).unwrap_or(false);
    println!("b.bin mtime after epoch: {}", mtime_ok);
    drop(f);

    fs::create_dir(scratch.join("sub")).expect("mkdir sub");
    fs::rename(&a, scratch.join("sub").join("moved.txt")).expect("rename");
    println!("a.txt exists after rename: {}", a.exists());

    let mut names: Vec<String> = fs::read_dir(&scratch)
        .expect("read_dir")
        .map(|e| {
            let e = e.expect("dir entry");
            let kind = if e.file_type().expect("file type").is_dir() { "/" } else { "" };
            format!("{}{}", e.file_name().to_string_lossy(), kind)
        })
        .collect();
    names.sort();
    println!("listing: {}", names.join(" "));

    match fs::read_to_string(scratch.join("missing.txt")) {
        Ok(_) => println!("missing.txt: found?"),
        Err(e) => println!("missing.txt: error {:?}", e.kind()),
    }
    match fs::read_to_string("/outside/escape.txt") {
        Ok(_) => println!("outside: found?"),
        Err(e) => println!("outside: error {:?}", e.kind()),
    }

    fs::remove_dir_all(&scratch).expect("remove_dir_all");
    println!("scratch removed: {}", !scratch.exists());
}
