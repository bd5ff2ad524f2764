import '../platform.e2e-spec.js';
import '../free-port.e2e-spec.js';
import '../health.e2e-spec.js';
import '../logging.e2e-spec.js';
import '../error-pages.e2e-spec.js';
import '../bad-input.e2e-spec.js';
