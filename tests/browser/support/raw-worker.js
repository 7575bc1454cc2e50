// A worker that speaks fshandles' wire format by hand, to send an attached host what no
// FsClient would: other libraries' messages, damaged bytes, forged buffers. Page commands are
// {raw, cmd, args}; answers {raw, value}.

const enc = new TextEncoder();
const dec = new TextDecoder();

// postcard: unsigned LEB128 varints; strings are a varint length, then UTF-8.
const varint = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const str = (s) => {
  const b = enc.encode(s);
  return [...varint(b.length), ...b];
};
const MAGIC = [0x46, 0x53, 0x48, 0x01];
const header = (id, version = 1) => [...MAGIC, ...varint(version), ...varint(id)];
// Request variants, in wire order: Store 0, Get 1, Delete 2, Handle 3, Resume 4.
const del = (id, uid, version) => [...header(id, version), 2, ...str(uid)];

// ErrorKind in wire order (shared/src/error.rs), as the `name`s JS callers see.
const KINDS = ["NotSupportedError", "AbortError", "NotAllowedError", "SecurityError", "TimeoutError", "DataError", "ProtocolError", "NotFoundError", "QuotaExceededError", "UnknownStorageError", "UnknownError"];

function readVarint(bytes, at) {
  let n = 0;
  let scale = 1;
  for (;;) {
    const b = bytes[at++];
    n += (b & 0x7f) * scale;
    scale *= 128;
    if (!(b & 0x80)) return [n, at];
  }
}

// A reply's id and body: {answer} | {ack} | {name, message} | {handleFor}.
function decodeReply(bytes) {
  let at = 4;
  let version, id, variant;
  [version, at] = readVarint(bytes, at);
  [id, at] = readVarint(bytes, at);
  [variant, at] = readVarint(bytes, at);
  if (variant === 0) return { id, answer: bytes[at] === 1 };
  if (variant === 1) return { id, ack: true };
  let len;
  if (variant === 2) {
    let kind;
    [kind, at] = readVarint(bytes, at);
    [len, at] = readVarint(bytes, at);
    return { id, name: KINDS[kind], message: dec.decode(bytes.subarray(at, at + len)) };
  }
  [len, at] = readVarint(bytes, at);
  return { id, handleFor: dec.decode(bytes.subarray(at, at + len)) };
}

const replies = []; // unasked-for replies
const waiting = new Map(); // id → resolve
self.addEventListener("message", ({ data }) => {
  if (!(data?.fshandles instanceof Uint8Array)) return;
  const reply = decodeReply(data.fshandles);
  // An Ack says the host has the request and must wait (IndexedDB, a person): the answer follows.
  if (reply.ack) return;
  const resolve = waiting.get(reply.id);
  waiting.delete(reply.id);
  resolve ? resolve(reply) : replies.push(reply);
});

// What other libraries (and a confused caller) post on a worker's channel.
function foreign() {
  const { port1, port2 } = new MessageChannel();
  const buffer = new ArrayBuffer(16);
  const sent = [
    ["hello"],
    [42],
    [-5], // a repeat, but not on a port of ours
    [7.5],
    [null],
    [{ type: "pyscript", data: [1, 2, 3] }],
    [[1, 2, 3]],
    [buffer, [buffer]],
    [{ port: port2 }, [port2]],
    [{ fshandles: "not bytes" }],
    [{ fshandles: new Uint8Array([1, 2, 3]) }],
    [{ fshandles: new Uint8Array(MAGIC) }], // our tag, no header: nobody to answer
    [new Uint8Array(del(1, "/x"))], // our bytes, not in our envelope
  ];
  for (const [message, transfer] of sent) self.postMessage(message, transfer ?? []);
  port1.close();
  return sent.length;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Sends `bytes` (with a shared buffer of `sab` bytes, if given); resolves with the reply to
// `id`, or null when none came within `ms`.
async function request(id, bytes, { sab, ms = 1000 } = {}) {
  const message = { fshandles: new Uint8Array(bytes) };
  if (sab !== undefined) message.sab = new SharedArrayBuffer(sab);
  const reply = new Promise((resolve) => {
    waiting.set(id, resolve);
    setTimeout(() => {
      waiting.delete(id);
      resolve(null);
    }, ms);
  });
  self.postMessage(message);
  return reply;
}

// A request that brings the client's own port, as FsClient's first one does; resolves with
// what the host answered on that port: a bare number as it arrived, or the decoded bytes.
async function onOwnPort(id, version) {
  const { port1, port2 } = new MessageChannel();
  const answer = new Promise((resolve) => {
    port1.onmessage = ({ data }) => {
      if (typeof data === "number") return resolve({ number: data });
      const reply = decodeReply(data.fshandles);
      if (!reply.ack) resolve(reply); // the host is asking IndexedDB: the answer follows
    };
    setTimeout(() => resolve(null), 1000);
  });
  self.postMessage({ fshandles: new Uint8Array(del(id, "/never-stored", version)), port: port2 }, [port2]);
  const got = await answer;
  port1.close();
  return got;
}

// On a client's own port: a request in full, the same again as a bare negative number, an
// invalid one, and a repeat of that (there is nothing to repeat). What the host answered each.
async function repeatOnOwnPort(id) {
  const { port1, port2 } = new MessageChannel();
  const next = () =>
    new Promise((resolve) => {
      port1.onmessage = ({ data }) => {
        if (typeof data === "number") return resolve({ number: data });
        const reply = decodeReply(data.fshandles);
        if (!reply.ack) resolve(reply);
      };
      setTimeout(() => resolve(null), 1000);
    });
  const send = async (post) => {
    const answer = next();
    post();
    return answer;
  };
  const first = await send(() =>
    self.postMessage({ fshandles: new Uint8Array(del(id, "/never-stored", 2)), port: port2 }, [port2]),
  );
  const repeated = await send(() => port1.postMessage(-(id + 1) - 1));
  const invalid = await send(() => port1.postMessage({ fshandles: new Uint8Array(del(id + 2, "", 2)) }));
  const orphan = await send(() => port1.postMessage(-(id + 3) - 1));
  port1.close();
  return { first, repeated, invalid, orphan };
}

const commands = {
  repeatOnOwnPort,
  foreign,
  pending: () => replies.length,
  // A good request: Delete of a uid nobody stored answers false.
  good: (id) => request(id, del(id, "/never-stored")),
  garbage: (id) => request(id, [...header(id), 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]),
  newer: (id) => request(id, del(id, "/a", 1000)),
  onOwnPort,
  unknownOp: (id) => request(id, [...header(id), 9]),
  stray: (id) => request(id, [...del(id, "/a"), 0]),
  longUid: (id) => request(id, del(id, "u".repeat(2000))),
  emptyUid: (id) => request(id, del(id, "")),
  oversize: (id) => request(id, [...header(id), 2, ...new Array(70000).fill(0)]),
  smallSab: (id) => request(id, del(id, "/a"), { sab: 7 }),
  hugeSab: (id) => request(id, del(id, "/a"), { sab: 1 << 22 }),
  async silence(ms) {
    await sleep(ms);
    return replies.splice(0).length;
  },
};

self.addEventListener("message", async ({ data }) => {
  if (data?.raw === undefined) return;
  const value = await commands[data.cmd](...(data.args ?? []));
  self.postMessage({ raw: data.raw, value });
});
