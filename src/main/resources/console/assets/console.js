// The console's script besides htmx: a live region says when a refresh of the page failed.
document.addEventListener("htmx:responseError", function (event) {
  var notice = document.getElementById("live-error");
  if (notice) {
    notice.textContent = notice.getAttribute("data-text") + " (HTTP " + event.detail.xhr.status + ")";
  }
});
