// Preloaded into the gateway by the reliability suite only (node --expose-gc --require ...):
// SIGUSR2 runs a full garbage collection, so that memory is measured after GC.
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') global.gc();
});
