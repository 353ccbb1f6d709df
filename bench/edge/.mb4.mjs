const v = await import(process.argv[2]);
const { eventBody, SECRET } = await import("./contenders.js");
const now = Math.floor(Date.now() / 1000);
const t = (name, f) => { for (let i = 0; i < 20000; i++) f(); const xs = []; for (let r = 0; r < 15; r++) { const s = process.hrtime.bigint(); for (let i = 0; i < 2000; i++) f(); xs.push(Number(process.hrtime.bigint() - s) / 2000 / 1000); } xs.sort((a, b) => a - b); console.log(name.padEnd(30), xs[7].toFixed(2), "µs"); };
for (const size of [0, 1024, 4096]) { const body = size ? eventBody(size) : ""; t(`sign ${size}`, () => v.signWebhook(body, SECRET, { timestamp: now })); }
