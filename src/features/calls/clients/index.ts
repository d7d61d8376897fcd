import { aiohttp } from "./aiohttp.js";
import { httpx } from "./httpx.js";
import { requests } from "./requests.js";
import type { PyClient } from "./types.js";
import { urllib, urllib3 } from "./urllib3.js";

/** Every Python client fks reads; Rust (reqwest) and JavaScript (fetch, undici, axios) have their own modules. */
export const PY_CLIENTS: PyClient[] = [httpx, requests, aiohttp, urllib3, urllib];
/** A file that mentions none of these cannot make a call fks reads: it is not parsed for calls. */
export const PY_CALLISH = /\b(httpx|requests|aiohttp|urllib3|urlopen)\b/;
