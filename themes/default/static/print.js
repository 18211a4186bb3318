// The print link: shown only where scripts run (the browser's own Print works
// everywhere, with the print stylesheet in style.css).
for (const link of document.querySelectorAll("a.print-link")) {
  link.hidden = false;
  link.addEventListener("click", (e) => {
    e.preventDefault();
    window.print();
  });
}
