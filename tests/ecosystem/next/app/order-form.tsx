"use client";
// A partner's order form: the browser checks the order with
// peeker-partner/validate before anything is sent, at render and on click.
import { useState } from "react";
import { validateOrder, type CreateOrder } from "peeker-partner/validate";

const draft: CreateOrder = {
  user: "client@example.com",
  bundle_id: "bun_123",
  sequencer: { provider: "smartlead", client_id: 1, login_email: "ops@acme.com", login_password: "pw" },
  domains: ["bad domain"],
  personas: [{ first_name: "Sam", last_name: "Lee", profile_picture_url: "" }],
};

export function OrderForm() {
  const [onClick, setOnClick] = useState("not clicked");
  const atRender = validateOrder(draft).map((problem) => problem.field).join(",");
  const check = () => setOnClick(String(validateOrder({ ...draft, domains: ["acme-mail.com", "München.de"] }).length));
  return (
    <form>
      <p id="at-render">{atRender}</p>
      <button id="check" type="button" onClick={check}>
        Check
      </button>
      <p id="on-click">{onClick}</p>
    </form>
  );
}
