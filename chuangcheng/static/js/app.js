/* Behaviour every page shares. It lives here, not in on*="" attributes, because the
 * Content-Security-Policy allows no inline script:
 *   <select data-autosubmit>       submits its form when changed (list filters, the holiday year);
 *   <button data-confirm="…">      asks before it submits (the question comes from the template);
 *   <form data-single-submit>      sends once: a second tap while an upload is still going would
 *                                  only resend the same idempotency key.
 * Listeners sit on the document, so forms swapped in by htmx behave the same.
 */
(function () {
  "use strict";

  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.requestSubmit();
  });

  document.addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) e.preventDefault();
  });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form[data-single-submit]")) return;
    var button = form.querySelector("[type=submit]");
    if (!button) return;
    if (button.disabled) { e.preventDefault(); return; }
    setTimeout(function () { button.disabled = true; }, 0);
  });
})();
