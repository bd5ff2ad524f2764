import '../browser/contributor.e2e-spec.js';
import '../browser/consent.e2e-spec.js';
import '../browser/withdrawal-rights.e2e-spec.js';
import '../browser/orphan-uploads.e2e-spec.js';
import '../browser/advance-grants.e2e-spec.js';
