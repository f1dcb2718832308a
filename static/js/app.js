// Progressive enhancement only: every page works without this file.
"use strict";

function checkSelfCheck(form) {
  const inputs = Array.from(form.querySelectorAll("input[data-correct]"));
  const feedback = form.querySelector("[data-feedback]");
  if (!inputs.some((input) => input.checked)) {
    feedback.textContent = form.dataset.empty;
    feedback.className = "quiz-feedback";
    return;
  }
  let right = true;
  for (const input of inputs) {
    const correct = input.dataset.correct === "1";
    const option = input.closest(".option");
    option.classList.toggle("is-right", correct);
    option.classList.toggle("is-wrong", input.checked && !correct);
    if (input.checked !== correct) right = false;
  }
  feedback.textContent = right ? form.dataset.right : form.dataset.wrong;
  feedback.className = "quiz-feedback " + (right ? "right" : "wrong");
  const solution = form.querySelector(".quiz-solution");
  if (solution) solution.open = true;
}

function resetSelfCheck(form) {
  for (const option of form.querySelectorAll(".option")) option.classList.remove("is-right", "is-wrong");
  const feedback = form.querySelector("[data-feedback]");
  if (feedback) { feedback.textContent = ""; feedback.className = "quiz-feedback"; }
}

for (const form of document.querySelectorAll("form[data-quiz]")) {
  const button = form.querySelector("[data-check]");
  if (!button) continue;
  button.hidden = false;
  button.addEventListener("click", () => checkSelfCheck(form));
  form.addEventListener("change", () => resetSelfCheck(form));
  form.addEventListener("submit", (event) => { event.preventDefault(); checkSelfCheck(form); });
}

// Forms marked data-once: a second click while the first submit is on its way does nothing.
for (const form of document.querySelectorAll("form[data-once]")) {
  form.addEventListener("submit", (event) => {
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
  });
}

// Exam timer: counts down the server's deadline; the server enforces it regardless.
const timer = document.querySelector("[data-deadline]");
if (timer) {
  const deadline = Date.parse(timer.dataset.deadline);
  const output = timer.querySelector("[data-remaining]");
  const tick = () => {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    const seconds = String(left % 60).padStart(2, "0");
    output.textContent = `${minutes}:${seconds}`;
    timer.classList.toggle("urgent", left < 120);
    if (left > 0) setTimeout(tick, 1000);
  };
  tick();
}
