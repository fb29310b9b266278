// Every customer page: the language switcher applies as soon as a language is picked.
document.addEventListener("change", (event) => {
  const select = event.target.closest && event.target.closest("select[data-autosubmit]");
  if (select) select.form.submit();
});
