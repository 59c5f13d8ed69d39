import { MemoryStore } from '../src/memory-store.js';
import { describeObjectStoreContract } from './object-store-contract.js';

describeObjectStoreContract('MemoryStore', () => new MemoryStore());
