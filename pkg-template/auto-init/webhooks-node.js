// Webhook HMACs by node:crypto (native SHA-256); the wasm checks everything else.
import { createHmac as __peeker_create_hmac } from "node:crypto";
import { nodeMacs as __peeker_node_macs } from "__JS_DIR__/native-hmac.js";
