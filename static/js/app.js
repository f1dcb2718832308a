// Progressive enhancement only: every page works without this file.
"use strict";

// --- Self-checks: answered in the browser, with a verdict on each option (not colour alone)

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
    const wrongChoice = input.checked && !correct;
    option.classList.toggle("is-right", correct);
    option.classList.toggle("is-wrong", wrongChoice);
    let verdict = option.querySelector(".option-verdict");
    if (!verdict) {
      verdict = document.createElement("span");
      verdict.className = "option-verdict";
      option.append(verdict);
    }
    verdict.textContent = correct ? form.dataset.rightOption : wrongChoice ? form.dataset.wrongOption : "";
    if (input.checked !== correct) right = false;
  }
  feedback.textContent = right ? form.dataset.right : form.dataset.wrong;
  feedback.className = "quiz-feedback " + (right ? "right" : "wrong");
  feedback.scrollIntoView({ block: "nearest" });
  const solution = form.querySelector(".quiz-solution");
  if (solution) solution.open = true;
}

function resetSelfCheck(form) {
  for (const option of form.querySelectorAll(".option")) {
    option.classList.remove("is-right", "is-wrong");
    const verdict = option.querySelector(".option-verdict");
    if (verdict) verdict.textContent = "";
  }
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

// --- Module pages: on wide screens the table of contents also stays beside the text.

const inlineToc = document.querySelector(".toc-inline .toc-list");
const sidebar = document.querySelector(".sidebar[data-toc-title]");
if (inlineToc && sidebar) {
  const side = document.createElement("div");
  side.className = "toc toc-side";
  const title = document.createElement("h2");
  title.textContent = sidebar.dataset.tocTitle;
  side.append(title, inlineToc.cloneNode(true));
  sidebar.prepend(side);
  document.querySelector(".module-layout").classList.add("has-side-toc");
}

// --- Forms marked data-once: a second click while the first submit is on its way does nothing.

for (const form of document.querySelectorAll("form[data-once]")) {
  form.addEventListener("submit", (event) => {
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
  });
}

// --- A form that came back with errors: start at the summary of what to correct.

const errorSummary = document.querySelector("[data-error-summary]");
if (errorSummary) errorSummary.focus();

// --- Exam: keep every answer on the server as the learner goes, count what is answered.

const exam = document.querySelector("form[data-autosave]");
if (exam) {
  const counter = document.querySelector("[data-answered-count]");
  const saveState = document.querySelector("[data-save-state]");
  const token = exam.querySelector('input[name="csrf_token"]').value;
  const questions = Array.from(exam.querySelectorAll("[data-question]"));
  const unsaved = new Set();  // questions whose last change has not reached the server
  const pending = new Set();  // … and of those, the ones still to be sent

  const showCount = () => {
    const answered = questions.filter((q) => q.querySelector("input:checked")).length;
    counter.textContent = counter.dataset.template
      .replace("{answered}", answered).replace("{total}", questions.length);
  };

  const showSaveState = (state) => {
    saveState.textContent = saveState.dataset[state] || "";
    saveState.classList.toggle("failed", state === "failed");
  };

  // One save at a time, each sending the question's state at that moment: quick changes
  // (arrow keys through a radio group) can never arrive out of order.
  let sending = false;
  let handedIn = false;  // after the hand-in a save could only be refused (409)
  const sendNext = async () => {
    if (sending || handedIn) return;
    const question = [...pending][0];
    if (!question) return;
    sending = true;
    pending.delete(question);
    const body = new FormData();
    body.append("csrf_token", token);
    body.append("question", question.dataset.question);
    for (const input of question.querySelectorAll("input:checked")) body.append(input.name, input.value);
    showSaveState("saving");
    try {
      const response = await fetch(exam.dataset.autosave, { method: "POST", body, credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      if (!pending.has(question)) unsaved.delete(question);
      showSaveState(unsaved.size ? "saving" : "saved");
    } catch (error) {
      showSaveState("failed");  // kept in the form: it goes with the hand-in
    }
    sending = false;
    sendNext();
  };

  exam.addEventListener("change", (event) => {
    const question = event.target.closest("[data-question]");
    if (!question) return;
    unsaved.add(question);
    pending.add(question);
    showCount();
    sendNext();
  });

  // Handing in sends only what the server may not have yet: another tab's newer answers,
  // saved there, must not be overwritten by this page's older state.
  exam.addEventListener("submit", () => {
    handedIn = true;
    for (const question of questions) {
      if (unsaved.has(question)) continue;
      for (const input of question.querySelectorAll("input")) input.disabled = true;
    }
  });
  window.addEventListener("pageshow", () => {
    handedIn = false;  // back to the page (browser cache): the attempt may still be open
    for (const input of exam.querySelectorAll("input:disabled")) input.disabled = false;
  });
}

// --- Exam timer: counts down the server's deadline; the server enforces it regardless.

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
