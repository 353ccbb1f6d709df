import { customerIdentity, customerKey } from "peeker-partner";

// The ownership table in D1 (migrations/0003_ownership.sql): which customer
// each record belongs to. The package decides what to look up and what a
// row means (CustomerRequest, eventOwnership, customerIdentity); this file
// only reads and writes the rows.

/** The customer's user rows (newest first) and the owners of `records`, in one round trip. */
export async function lookUp(env, user, records) {
  const [users, owners] = await env.DB.batch([
    usersOf(env, user),
    env.DB.prepare(
      `SELECT o.kind, o.id, o.user_id, o.email FROM owners o, json_each(?1) r
       WHERE o.kind = json_extract(r.value, '$.kind') AND o.id = json_extract(r.value, '$.id')`,
    ).bind(JSON.stringify(records)),
  ]);
  return { users: users.results, owners: owners.results };
}

/** The user rows linked to a customer key ({user_id} or {email}), newest first. */
export function usersOf(env, { user_id, email }) {
  return env.DB.prepare(
    `SELECT id AS user_id, email FROM owners
     WHERE kind = 'user' AND (id = ?1 OR email = ?2) ORDER BY learned DESC LIMIT 50`,
  ).bind(user_id ?? null, email ?? null);
}

/**
 * Records facts (from CustomerRequest.learn or eventOwnership): a record
 * belongs to an owner, or to whoever owns another record. The newest fact wins.
 */
export async function learn(env, facts) {
  if (facts.length === 0) return;
  const now = Date.now();
  const upsert = `ON CONFLICT (kind, id) DO UPDATE SET
    user_id = excluded.user_id, email = excluded.email, learned = excluded.learned`;
  await env.DB.batch(facts.map((f) => f.same_as
    ? env.DB.prepare(
      `INSERT INTO owners (kind, id, user_id, email, learned)
       SELECT ?1, ?2, user_id, email, ?5 FROM owners WHERE kind = ?3 AND id = ?4 ${upsert}`,
    ).bind(f.kind, f.id, f.same_as.kind, f.same_as.id, now)
    : env.DB.prepare(
      `INSERT INTO owners (kind, id, user_id, email, learned) VALUES (?1, ?2, ?3, ?4, ?5) ${upsert}`,
    ).bind(f.kind, f.id, f.user_id ?? null, f.email ?? null, now)));
}

/** Every form the token's customer is known under: {user_ids, emails} (customerIdentity). */
export async function identityOf(env, sub) {
  const { results } = await usersOf(env, customerKey(sub)).run();
  return customerIdentity(sub, results);
}

/**
 * The SQL condition "owner row `o` is the customer's" (the package's rule:
 * its user id or its email is one of the identity's), binding `?ids` and
 * `?emails` as JSON arrays.
 */
const ownedBy = (ids, emails) => `(o.user_id IN (SELECT value FROM json_each(?${ids}))
  OR o.email IN (SELECT value FROM json_each(?${emails})))`;

/** Whether the order is the customer's. */
export async function ownsOrder(env, orderId, { user_ids, emails }) {
  const row = await env.DB.prepare(
    `SELECT 1 AS yes FROM owners o WHERE o.kind = 'order' AND o.id = ?1 AND ${ownedBy(2, 3)}`,
  ).bind(orderId, JSON.stringify(user_ids), JSON.stringify(emails)).first();
  return row !== null;
}

/**
 * The stored events after `after` (of one order, or all), in arrival order:
 * all of them for `identity` null (events.readAll), else the customer's: an
 * event is the customer's when the record it is about is, or its order is
 * (so a domain event that arrived before its order's still counts).
 */
export async function eventsOf(env, { after, orderId, limit }, identity) {
  const { results } = await env.DB.prepare(
    `SELECT e.seq, e.order_id, e.received_at, e.body FROM events e
     WHERE e.seq > ?1 AND (?2 IS NULL OR e.order_id = ?2) AND (?4 IS NULL
       OR EXISTS (SELECT 1 FROM owners o WHERE o.kind = e.subject_kind AND o.id = e.subject_id AND ${ownedBy(4, 5)})
       OR EXISTS (SELECT 1 FROM owners o WHERE o.kind = 'order' AND o.id = e.order_id AND ${ownedBy(4, 5)}))
     ORDER BY e.seq LIMIT ?3`,
  ).bind(after, orderId, limit, identity && JSON.stringify(identity.user_ids), JSON.stringify(identity?.emails ?? []))
    .run();
  return results;
}
