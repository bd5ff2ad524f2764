import '../jobs.e2e-spec.js';
import '../data-dir.e2e-spec.js';
import '../ledger-server.e2e-spec.js';
import '../ledger-unavailable.e2e-spec.js';
