// Preload (`node --import`) for third-party stdio servers in tests: exits when the client closes
// stdin. server-everything keeps running after EOF (its simulated log and resource-update
// timers hold the event loop), so every close would wait out wren's 2 s stdin grace before
// SIGTERM — about 2 s per test whose subject is not shutdown. The shutdown path itself is
// proven against our own mocks (process-group.integration.test.ts).
// Listening for "end" does not start reading: the server's transport does that.
process.stdin.once("end", () => process.exit(0));
