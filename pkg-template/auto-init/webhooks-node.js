// Webhook HMACs by node:crypto (native SHA-256); the wasm checks everything else.
import { createHmac as __peeker_create_hmac } from "node:crypto";
import { useNativeHmac as __peeker_use_native_hmac } from "__JS_DIR__/native-hmac.js";
__peeker_use_native_hmac(__peeker_create_hmac);
