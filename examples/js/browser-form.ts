// A browser order form checked with `peeker-partner/validate`: the validators
// with their own wasm (no client, no verifier), all a form needs. Every problem
// is shown next to its field before anything is sent; the order then goes to
// your backend, which holds the API key and places it.
import { validateOrder, type CreateOrder, type Problem } from "peeker-partner/validate";

// The domains and personas picked in the page's earlier steps.
const draft: Partial<CreateOrder> = JSON.parse(sessionStorage.getItem("order-draft") ?? "{}");

const form = document.querySelector<HTMLFormElement>("form#order");
if (!form) throw new Error("the page has no form#order");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const fields = new FormData(form);
  const order = {
    ...draft,
    user: String(fields.get("user") ?? ""),
    forwarding_url: String(fields.get("forwarding_url") ?? "") || undefined,
  };
  const problems = validateOrder(order); // [] when valid
  showProblems(form, problems);
  if (problems.length > 0) return;
  const answer = await fetch("/orders", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(order),
  });
  if (!answer.ok) showProblems(form, [{ code: "rejected", field: "", message: `the order was refused (${answer.status})` }]);
});

/** Each problem next to the input named by its field (`personas[3].email`), or atop the form. */
function showProblems(form: HTMLFormElement, problems: Problem[]): void {
  for (const old of form.querySelectorAll("[data-problem]")) old.remove();
  for (const problem of problems) {
    const note = document.createElement("p");
    note.dataset.problem = problem.code;
    note.textContent = problem.message;
    const input = problem.field ? form.querySelector(`[name="${CSS.escape(problem.field)}"]`) : null;
    if (input) input.after(note);
    else form.prepend(note);
  }
}
