import { importUnitSpecs } from './unit-specs.js';

await importUnitSpecs('previews');
