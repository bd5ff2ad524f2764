import '../auth.e2e-spec.js';
import '../account.e2e-spec.js';
import '../organisations.e2e-spec.js';
import '../access-matrix.e2e-spec.js';
