#!/usr/bin/env node
// A person talking to Relais with Element's own client stack: matrix-js-sdk + Rust crypto
// (@matrix-org/matrix-sdk-crypto-wasm), "exclude insecure devices" on
// (OnlySignedDevicesIsolationMode). Element refuses to share room keys with devices their owner
// has not cross-signed and refuses to decrypt what they send, so this is the check that the
// bot's cross-signing is the kind js-sdk accepts, not just the kind nio or our own code accepts.
//
//   node tests/js/person.mjs --homeserver URL --user U --password P --bot @bot:localhost \
//        --say "caf" --expect-reply [--timeout 90] [--say "menu" --step-file /tmp/x]
//
// Several --say: one after the other, each waiting for its reply. With --step-file F, before
// message i (from 1) the script prints {"step":"waiting","index":i} and waits for F.i to exist,
// so that a test can restart or break the bot in between with the same js-sdk session.
//
// stdout: one JSON object per line ({"step": ...}); the last one is {"step":"done","ok":...}.
// stderr: js-sdk's own logs (warnings and errors only) and the failure reason.
// Exit 0 on success, 1 on failure (the reason is in the last JSON line and on stderr).

import { parseArgs } from "node:util";

// js-sdk logs through loglevel to console.log/info/debug: keep stdout for our JSON lines only.
for (const name of ["log", "info", "debug", "trace"]) {
    console[name] = () => {};
}
console.warn = (...args) => process.stderr.write(`[js-sdk warn] ${args.join(" ")}\n`);
console.error = (...args) => process.stderr.write(`[js-sdk error] ${args.join(" ")}\n`);

// matrix-js-sdk >= 37.7 declares Node >= 22; on Node 20 the only missing piece it uses is
// Promise.withResolvers (ES2024, in every browser Element supports). Spec behaviour, no more.
if (typeof Promise.withResolvers !== "function") {
    Promise.withResolvers = function withResolvers() {
        let resolve;
        let reject;
        const promise = new this((res, rej) => {
            resolve = res;
            reject = rej;
        });
        return { promise, resolve, reject };
    };
}

const sdk = await import("matrix-js-sdk");
const cryptoApi = await import("matrix-js-sdk/lib/crypto-api/index.js");

const { values: args } = parseArgs({
    options: {
        homeserver: { type: "string" },
        user: { type: "string" },
        password: { type: "string" },
        bot: { type: "string" },
        say: { type: "string", multiple: true, default: ["caf"] },
        "step-file": { type: "string" },
        "expect-reply": { type: "boolean", default: false },
        timeout: { type: "string", default: "90" },
    },
});
for (const required of ["homeserver", "user", "password", "bot"]) {
    if (!args[required]) {
        process.stderr.write(`missing --${required}\n`);
        process.exit(2);
    }
}
const deadline = Date.now() + Number(args.timeout) * 1000;

function emit(step, data = {}) {
    process.stdout.write(JSON.stringify({ step, ...data }) + "\n");
}

class Failure extends Error {}

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Poll `check` (async allowed) until it returns a truthy value or the global deadline passes. */
async function waitFor(what, check, intervalMs = 200) {
    for (;;) {
        const value = await check();
        if (value) return value;
        if (Date.now() > deadline) throw new Failure(`timed out waiting for ${what}`);
        await sleep(intervalMs);
    }
}

function deviceStatusJson(status) {
    if (!status) return null;
    return {
        signedByOwner: status.signedByOwner,
        crossSigningVerified: status.crossSigningVerified,
        localVerified: status.localVerified,
        tofu: status.tofu,
        isVerified: status.isVerified(),
    };
}

let client = null;

async function main() {
    const localpart = args.user.replace(/^@/, "").split(":")[0];

    // --- log in (a fresh device, as Element does on a new phone)
    const anon = sdk.createClient({ baseUrl: args.homeserver });
    const login = await anon.loginRequest({
        type: "m.login.password",
        identifier: { type: "m.id.user", user: localpart },
        password: args.password,
        initial_device_display_name: "Element stack test",
    });
    anon.stopClient();
    emit("login", { user_id: login.user_id, device_id: login.device_id });

    client = sdk.createClient({
        baseUrl: args.homeserver,
        userId: login.user_id,
        deviceId: login.device_id,
        accessToken: login.access_token,
    });

    // --- Rust crypto, in memory, "exclude insecure devices"
    await client.initRustCrypto({ useIndexedDB: false });
    const crypto = client.getCrypto();
    if (!crypto) throw new Failure("initRustCrypto did not give a CryptoApi");
    crypto.setDeviceIsolationMode(new cryptoApi.OnlySignedDevicesIsolationMode());
    emit("crypto", {
        version: crypto.getVersion(),
        isolation: "OnlySignedDevicesIsolationMode",
    });

    const prepared = new Promise((resolve, reject) => {
        client.on(sdk.ClientEvent.Sync, (state) => {
            if (state === sdk.SyncState.Prepared || state === sdk.SyncState.Syncing) resolve();
            if (state === sdk.SyncState.Error) reject(new Failure("first sync failed"));
        });
    });
    await client.startClient({ initialSyncLimit: 10, lazyLoadMembers: true });
    await prepared;

    // --- the person's own cross-signing (Element sets it up at first login)
    await crypto.bootstrapCrossSigning({
        authUploadDeviceSigningKeys: async (makeRequest) => {
            await makeRequest({
                type: "m.login.password",
                identifier: { type: "m.id.user", user: localpart },
                password: args.password,
            });
        },
    });
    const ownReady = await crypto.isCrossSigningReady();
    const ownStatus = await crypto.getDeviceVerificationStatus(login.user_id, login.device_id);
    emit("own_cross_signing", { ready: ownReady, device: deviceStatusJson(ownStatus) });
    if (!ownReady) throw new Failure("could not bootstrap the person's own cross-signing");

    // --- an encrypted DM with the bot, the way Element creates one
    const { room_id: roomId } = await client.createRoom({
        preset: sdk.Preset.TrustedPrivateChat,
        visibility: sdk.Visibility.Private,
        is_direct: true,
        invite: [args.bot],
        initial_state: [
            {
                type: "m.room.encryption",
                state_key: "",
                content: { algorithm: "m.megolm.v1.aes-sha2" },
            },
        ],
    });
    await client.setAccountData(sdk.EventType.Direct, { [args.bot]: [roomId] });
    emit("room", { room_id: roomId });

    await waitFor("the bot to join the DM", () => {
        const room = client.getRoom(roomId);
        return room?.getMember(args.bot)?.membership === "join";
    });
    emit("bot_joined", {});

    const room = client.getRoom(roomId);
    for (const [index, text] of args.say.entries()) {
        if (index > 0 && args["step-file"]) {
            // the test changes something on the bot's side (restart, lost store...) meanwhile
            emit("waiting", { index });
            const { existsSync } = await import("node:fs");
            await waitFor(`${args["step-file"]}.${index}`, () =>
                existsSync(`${args["step-file"]}.${index}`),
            );
        }
        await reportBotDevices(crypto, index);
        await sayAndWaitReply(crypto, room, text, index);
    }
}

/** What js-sdk knows about the bot's devices and identity, after a fresh /keys/query. */
async function reportBotDevices(crypto, index) {
    const devices = await crypto.getUserDeviceInfo([args.bot], true);
    const botDevices = [...(devices.get(args.bot)?.values() ?? [])];
    const seen = [];
    for (const device of botDevices) {
        const status = await crypto.getDeviceVerificationStatus(args.bot, device.deviceId);
        seen.push({ device_id: device.deviceId, ...deviceStatusJson(status) });
    }
    const identity = await crypto.getUserVerificationStatus(args.bot);
    emit("bot_devices", {
        index,
        devices: seen,
        identity_known: identity.known,
        identity_verified: identity.isCrossSigningVerified(),
        needs_user_approval: identity.needsUserApproval,
    });
    if (botDevices.length === 0) throw new Failure("js-sdk sees no device for the bot");
}

/** Send `text`; with --expect-reply, wait for the bot's next message and report on it. */
async function sayAndWaitReply(crypto, room, text, index) {
    const roomId = room.roomId;
    const sent = await client.sendMessage(roomId, { msgtype: "m.text", body: text });
    const sentEvent = room.findEventById(sent.event_id);
    emit("sent", {
        index,
        event_id: sent.event_id,
        encrypted: sentEvent ? sentEvent.isEncrypted() : null,
        wire_type: sentEvent ? sentEvent.getWireType() : null,
    });

    if (!args["expect-reply"]) return;

    const reply = await waitFor(
        `the bot's reply to message ${index}`,
        () => {
            const events = room.getLiveTimeline().getEvents();
            const start = events.findIndex((e) => e.getId() === sent.event_id);
            if (start < 0) return null;
            return events
                .slice(start + 1)
                .find(
                    (e) =>
                        e.getSender() === args.bot &&
                        (e.getWireType() === "m.room.encrypted" ||
                            e.getType() === "m.room.message"),
                );
        },
        100,
    );
    // decryption is asynchronous: wait until it settled one way or the other
    await waitFor("the reply to be decrypted (or to fail)", async () => {
        if (reply.isBeingDecrypted() || reply.shouldAttemptDecryption()) {
            await reply.getDecryptionPromise();
        }
        return !reply.isBeingDecrypted();
    });

    const wire = reply.getWireContent();
    const senderDevice = wire.device_id ?? null;
    let encryptionInfo = null;
    if (reply.isEncrypted() && !reply.isDecryptionFailure()) {
        const info = await crypto.getEncryptionInfoForEvent(reply);
        encryptionInfo = info && {
            shieldColour: cryptoApi.EventShieldColour[info.shieldColour],
            shieldReason:
                info.shieldReason === null ? null : cryptoApi.EventShieldReason[info.shieldReason],
        };
    }
    const senderStatus = senderDevice
        ? await crypto.getDeviceVerificationStatus(args.bot, senderDevice)
        : null;
    emit("reply", {
        index,
        body: reply.getContent().body ?? null,
        msgtype: reply.getContent().msgtype ?? null,
        encrypted: reply.isEncrypted(),
        decrypted: reply.isEncrypted() && !reply.isDecryptionFailure(),
        decryption_failure_reason: reply.decryptionFailureReason ?? null,
        sender_device: senderDevice,
        sender_device_status: deviceStatusJson(senderStatus),
        encryption_info: encryptionInfo,
    });
    if (reply.isDecryptionFailure()) {
        throw new Failure(
            `the bot's reply to message ${index} could not be decrypted: ` +
                `${reply.decryptionFailureReason}`,
        );
    }
}

let ok = false;
let exitCode = 1;
try {
    await main();
    ok = true;
    exitCode = 0;
} catch (err) {
    const message = err instanceof Failure ? err.message : `${err?.name}: ${err?.message}`;
    emit("done", { ok: false, error: message });
    process.stderr.write(`FAILED: ${message}\n`);
    if (!(err instanceof Failure) && err?.stack) process.stderr.write(`${err.stack}\n`);
}
if (ok) emit("done", { ok: true });
try {
    client?.stopClient();
} catch {
    // already stopped
}
process.exit(exitCode);
