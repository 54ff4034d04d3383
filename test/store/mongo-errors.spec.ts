/**
 * How driver failures become store errors (the API answers UnavailableError with 503, a
 * duplicate key with 409, anything else is a bug: 500). Built from the driver's own error
 * classes, the way it throws them when a connection dies mid-write.
 */
import { expect } from 'chai';
import mongoose from 'mongoose';
import { ConflictError, UnavailableError } from '../../src/errors.js';
import { toStoreError } from '../../src/store/mongo/mongo-errors.js';

// The driver as mongoose ships it (mongodb is not a dependency of its own).
const { MongoBulkWriteError, MongoNetworkError, MongoServerError } = mongoose.mongo;
type BulkResult = ConstructorParameters<typeof MongoBulkWriteError>[1];

describe('mongodb store errors', () => {
  it('should take a connection lost during an insertMany or bulkWrite as unavailable, not as a bug', () => {
    // What jongodb's SIGKILL produced mid-command: MongoBulkWriteError "read ECONNRESET".
    const lost = new MongoBulkWriteError(new MongoNetworkError('read ECONNRESET'), {} as BulkResult);

    expect(toStoreError(lost)).to.be.instanceOf(UnavailableError);
  });

  it("should take Node's own socket errors, which the driver passes on unwrapped, as unavailable", () => {
    // What a write on a connection the killed server had just closed produced.
    const ended = Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' });

    expect(toStoreError(ended)).to.be.instanceOf(UnavailableError);
    expect(toStoreError(new MongoBulkWriteError(ended, {} as BulkResult))).to.be.instanceOf(UnavailableError);
  });

  it('should keep a bulk write that met a taken key a conflict, and a server error that is neither a bug', () => {
    const duplicate = new MongoBulkWriteError({ message: 'E11000', code: 11000, writeErrors: [] }, {} as BulkResult);
    const wrong = new MongoServerError({ message: 'unknown operator: $foo', code: 2 });

    expect(toStoreError(duplicate)).to.be.instanceOf(ConflictError);
    expect(toStoreError(wrong)).to.equal(wrong);
  });
});
