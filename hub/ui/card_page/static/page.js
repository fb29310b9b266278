// Every customer page: the language switcher applies as soon as a language is picked.
document.addEventListener("change", (event) => {
  const select = event.target.closest && event.target.closest("select[data-autosubmit]");
  if (select) select.form.submit();
});

// A page that uses a scanned code posts it once it is shown: link previews and crawlers that
// only fetch the address never use a customer's code. `pageshow` also fires when the page
// comes back from the back-forward cache, which would otherwise wait forever.
window.addEventListener("pageshow", () => {
  const form = document.querySelector("form[data-submit-on-show]");
  if (form) form.submit();
});
