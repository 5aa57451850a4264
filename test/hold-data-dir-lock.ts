// Child process for the data-dir lock tests: takes the lock on the directory in
// argv[2], says "locked", then holds it until killed, or with argv[3] = "exit"
// exits normally at once (which must release it).
import { lockDataDir } from "@/db/data-dir-lock";

const dir = process.argv[2];
if (!dir) throw new Error("usage: hold-data-dir-lock.ts <dir> [exit]");
lockDataDir(dir);
process.stdout.write("locked\n");
if (process.argv[3] === "exit") process.exit(0);
setInterval(() => {}, 1 << 30);
