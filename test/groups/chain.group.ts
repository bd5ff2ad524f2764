import '../chaos.e2e-spec.js';
import '../chain.e2e-spec.js';
import '../chain-rpc.e2e-spec.js';
