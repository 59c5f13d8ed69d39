import { MemoryStore } from '../../src/memory-store.js';
import { describeLabelFileContract } from './label-file-contract.js';

describeLabelFileContract('MemoryStore', () => new MemoryStore());
