import '../demo.e2e-spec.js';
import '../depai-client.e2e-spec.js';
import '../verify-download.e2e-spec.js';
