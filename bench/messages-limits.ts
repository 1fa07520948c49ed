// Physical limits for the message figures, measured in the same run: a raw Unix-socket echo (one peer, and 100 at once)
// and raw SQLite commits on a temp file shaped like a send (one message, its deliveries, one event).
import { openDatabase } from '../daemon/store/open.js';
import eventLog from '../daemon/store/migrations/001_event_log.js';
import { RawEchoClient } from './raw-client.js';
import { sequentialRoundTrips } from './round-trips.js';
import { elapsedSince, now, perSecond, sortDurations } from './stats.js';

/** Sorted round-trip times of a bare newline-JSON echo, one request in flight. */
export async function echoRoundTrips(socket: string, count: number): Promise<bigint[]> {
  const echo = await RawEchoClient.connect(socket);
  try {
    await sequentialRoundTrips(() => echo.ping(), Math.min(200, count));
    return sortDurations(await sequentialRoundTrips(() => echo.ping(), count));
  } finally {
    echo.close();
  }
}

/** Sorted times for `peers` echo connections to all answer one request each, written at once. */
export async function echoFanOut(socket: string, peers: number, rounds: number): Promise<bigint[]> {
  const clients = await Promise.all(Array.from({ length: peers }, () => RawEchoClient.connect(socket)));
  try {
    const samples: bigint[] = [];
    for (let round = 0; round < rounds + 3; round += 1) {
      const start = now();
      await Promise.all(clients.map((client) => client.ping()));
      if (round >= 3) samples.push(elapsedSince(start));
    }
    return sortDurations(samples);
  } finally {
    for (const client of clients) client.close();
  }
}

/**
 * Sorted commit times of a transaction inserting one message, `recipients` deliveries and one event: raw better-sqlite3
 * on a fresh file opened with the daemon's pragmas, no daemon around it.
 */
export function sqliteSendCommits(path: string, recipients: number, transactions: number): bigint[] {
  const db = openDatabase(path); // the daemon's own pragmas, so the limit is measured as the daemon runs
  try {
    db.exec(eventLog.sql);
    // Shaped like the daemon's tables: deliveries clustered by recipient, so a broadcast writes into each inbox.
    db.exec(`CREATE TABLE m (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, payload TEXT);
             CREATE TABLE d (recipient TEXT, seq INTEGER, state TEXT, PRIMARY KEY (recipient, seq)) WITHOUT ROWID;`);
    const insertMessage = db.prepare('INSERT INTO m (id, payload) VALUES (?, ?)');
    const insertDelivery = db.prepare("INSERT INTO d (seq, recipient, state) VALUES (?, ?, 'pending')");
    const insertEvent = db.prepare('INSERT INTO events (time, type, subject, data) VALUES (?, ?, ?, ?)');
    const names = Array.from({ length: recipients }, (_, i) => `agent-${i}`);
    let n = 0;
    const send = db.transaction(() => {
      n += 1;
      const seq = insertMessage.run(`msg-${n}`, JSON.stringify({ n, text: 'bench' })).lastInsertRowid;
      for (const name of names) insertDelivery.run(seq, name);
      insertEvent.run(new Date().toISOString(), 'message.sent', 'p', JSON.stringify({ message_id: `msg-${n}` }));
    });
    for (let i = 0; i < Math.min(200, transactions); i += 1) send();
    const samples = new Array<bigint>(transactions);
    for (let i = 0; i < transactions; i += 1) {
      const start = now();
      send();
      samples[i] = elapsedSince(start);
    }
    return sortDurations(samples);
  } finally {
    db.close();
  }
}

/**
 * The writes one acknowledged message costs, done by raw better-sqlite3 with no daemon: its send (message, delivery,
 * event) grouped `perTransaction` to a commit, then one commit marking that group delivered (and its event) and one
 * moving it to the finished table as acknowledged (and its event). Returns messages per second.
 */
export function sqliteMessageFlowRate(path: string, messages: number, perTransaction: number): number {
  const db = openDatabase(path); // the daemon's own pragmas, so the limit is measured as the daemon runs
  try {
    db.exec(eventLog.sql);
    db.exec(`CREATE TABLE m (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, payload TEXT);
             CREATE TABLE d (recipient TEXT, seq INTEGER, state TEXT, deadline TEXT, PRIMARY KEY (recipient, seq)) WITHOUT ROWID;
             CREATE TABLE o (seq INTEGER, recipient TEXT, state TEXT, PRIMARY KEY (seq, recipient)) WITHOUT ROWID;`);
    const insertMessage = db.prepare('INSERT INTO m (id, payload) VALUES (?, ?)');
    const insertDelivery = db.prepare("INSERT INTO d (recipient, seq, state) VALUES ('r', ?, 'pending')");
    const markDelivered = db.prepare("UPDATE d SET state = 'delivered', deadline = ? WHERE recipient = 'r' AND seq = ?");
    const finish = db.prepare("INSERT INTO o (seq, recipient, state) VALUES (?, 'r', 'acked')");
    const remove = db.prepare("DELETE FROM d WHERE recipient = 'r' AND seq = ?");
    const insertEvent = db.prepare('INSERT INTO events (time, type, subject, data) VALUES (?, ?, ?, ?)');
    const event = (type: string, data: unknown) => insertEvent.run(new Date().toISOString(), type, 'p', JSON.stringify(data));
    const send = db.transaction((first: number, count: number) => {
      const seqs: number[] = [];
      for (let n = first; n < first + count; n += 1) {
        const seq = Number(insertMessage.run(`msg-${String(n).padStart(12, '0')}`, JSON.stringify({ n, text: 'work item' })).lastInsertRowid);
        insertDelivery.run(seq);
        event('message.sent', { message_id: `msg-${n}` });
        seqs.push(seq);
      }
      return seqs;
    });
    const deliver = db.transaction((seqs: number[]) => {
      const deadline = new Date(Date.now() + 60_000).toISOString();
      for (const seq of seqs) markDelivered.run(deadline, seq);
      event('message.delivered', { count: seqs.length });
    });
    const ack = db.transaction((seqs: number[]) => {
      for (const seq of seqs) {
        finish.run(seq);
        remove.run(seq);
      }
      event('message.acked', { count: seqs.length });
    });
    const start = now();
    for (let done = 0; done < messages; done += perTransaction) {
      const seqs = send(done, Math.min(perTransaction, messages - done));
      deliver(seqs);
      ack(seqs);
    }
    return perSecond(messages, elapsedSince(start));
  } finally {
    db.close();
  }
}
