// Debian's Firefox ESR (headless), driven over Marionette, its own automation protocol.
//
// Why not WebDriver BiDi (puppeteer-core): a BiDi session registers a listener for every
// worker the content process makes (Firefox's WebDriverWorkerListener actor), and with a
// listener there, a worker that makes a worker waits on the main thread for the new one's
// debugger to be registered: in Firefox 153 that wait sometimes never ends, and `new Worker()`
// never returns (tests/firefox/nested_workers.test.mjs makes and ends nested workers until it
// would). The direct mount's I/O worker is such a nested worker. A Marionette session adds no
// such listener, and neither does a user's Firefox. (System access: a test may make the file
// dialog answer as a person's cancel, page.dismissFilePickers, as a BiDi session does.)
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const EXECUTABLE = process.env.FIREFOX ?? "/usr/bin/firefox-esr";

// What a test profile needs: no first-run pages, no network of its own, and every console
// message on stdout (Marionette reports none), where the harness reads what the page said.
const PREFS = {
  "marionette.port": 0,
  "browser.shell.checkDefaultBrowser": false,
  "browser.startup.homepage_override.mstone": "ignore",
  "browser.startup.page": 0,
  "browser.aboutwelcome.enabled": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  "toolkit.telemetry.reportingpolicy.firstRun": false,
  "app.update.disabledForTesting": true,
  "app.normandy.enabled": false,
  "extensions.autoDisableScopes": 0,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "browser.safebrowsing.malware.enabled": false,
  "browser.safebrowsing.phishing.enabled": false,
  "browser.tabs.warnOnClose": false,
  "services.settings.server": "data:,#remote-settings-dummy/v1",
  "dom.max_script_run_time": 0,
  "hangmonitor.timeout": 0,
  "dom.ipc.reportProcessHangs": false,
  "focusmanager.testmode": true,
  "devtools.console.stdout.content": true,
};

const userJs = (prefs) => Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`).join("");

/**
 * A headless Firefox with a Marionette session. `profile`: a profile folder to keep (made
 * when missing), else a new one removed at `close()`. `prefs`: more preferences.
 */
export async function startFirefox({ profile = null, prefs = {} } = {}) {
  const dir = profile ?? (await mkdtemp(join(tmpdir(), "fshandles-firefox-")));
  await writeFile(join(dir, "user.js"), userJs({ ...PREFS, ...prefs }));
  await rm(join(dir, "MarionetteActivePort"), { force: true });
  const child = spawn(EXECUTABLE, ["--headless", "--marionette", "-remote-allow-system-access", "--no-remote", "--profile", dir, "about:blank"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = [];
  const listeners = new Set();
  for (const stream of [child.stdout, child.stderr]) {
    let rest = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop();
      for (const line of lines) {
        out.push(line);
        for (const l of listeners) l(line);
      }
    });
  }
  const exited = new Promise((resolve) => child.on("exit", resolve));
  let port = null;
  const end = Date.now() + 60000;
  while (!port) {
    port = Number(await readFile(join(dir, "MarionetteActivePort"), "utf8").catch(() => "")) || null;
    if (child.exitCode !== null || Date.now() > end) {
      child.kill("SIGKILL");
      throw new Error(`Firefox did not start Marionette; it said:\n${out.slice(-20).join("\n")}`);
    }
    if (!port) await new Promise((r) => setTimeout(r, 50));
  }
  const client = await Client.open(port);
  await client.send("WebDriver:NewSession", { capabilities: { alwaysMatch: { pageLoadStrategy: "normal" } } });
  await client.send("WebDriver:SetTimeouts", { script: 600000, pageLoad: 120000, implicit: 0 });
  return {
    client,
    /** The last `n` lines Firefox printed, whatever they were. */
    printed: (n = 40) => out.slice(-n).join("\n"),
    /** Calls `fn(line)` for each line Firefox prints from now on; returns the unsubscribe. */
    onLine(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async close() {
      client.socket.destroy();
      child.kill("SIGTERM");
      const killed = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(killed);
      if (!profile) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Marionette's wire: `length:json` frames; a command `[0, id, name, params]`, its answer `[1, id, error, result]`. */
class Client {
  static open(port) {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      const client = new Client(socket);
      socket.once("error", reject);
      client.hello = resolve.bind(null, client);
    });
  }

  constructor(socket) {
    this.socket = socket;
    this.id = 0;
    this.waiting = new Map();
    this.buffer = Buffer.alloc(0);
    this.hello = null;
    socket.on("data", (data) => this.receive(data));
    socket.on("close", () => {
      for (const { reject } of this.waiting.values()) reject(new Error("Marionette's connection closed"));
      this.waiting.clear();
    });
  }

  receive(data) {
    this.buffer = Buffer.concat([this.buffer, data]);
    for (;;) {
      const colon = this.buffer.indexOf(":");
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString());
      if (this.buffer.length < colon + 1 + length) return;
      const message = JSON.parse(this.buffer.subarray(colon + 1, colon + 1 + length).toString());
      this.buffer = this.buffer.subarray(colon + 1 + length);
      if (this.hello) {
        const hello = this.hello;
        this.hello = null;
        hello();
        continue;
      }
      const [, id, error, result] = message;
      const waiter = this.waiting.get(id);
      this.waiting.delete(id);
      if (!waiter) continue;
      if (error) waiter.reject(new Error(`${error.error}: ${error.message}`));
      else waiter.resolve(result);
    }
  }

  /** Runs command `name`: its result. */
  send(name, params = {}) {
    const id = ++this.id;
    const body = Buffer.from(JSON.stringify([0, id, name, params]));
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.socket.write(Buffer.concat([Buffer.from(`${body.length}:`), body]));
    });
  }
}
