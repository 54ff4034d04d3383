// Counts documents of a collection for the integration kit's synchronous `count()` when the
// test server runs on MongoDB: the kit blocks on Atomics.wait while this worker thread asks
// the database (see mongo-counter.ts).
import { parentPort, workerData } from 'node:worker_threads';
import mongoose from 'mongoose';

const connection = await mongoose.createConnection(workerData.uri, { serverSelectionTimeoutMS: 5000 }).asPromise();

parentPort.on('message', async (message) => {
  if (message === 'close') {
    await connection.close();
    parentPort.close();
    return;
  }
  const cell = new Int32Array(message.buffer);
  try {
    cell[1] = await connection.db.collection(message.collection).countDocuments({});
    Atomics.store(cell, 0, 1);
  } catch {
    Atomics.store(cell, 0, 2);
  }
  Atomics.notify(cell, 0);
});
parentPort.postMessage('ready');
