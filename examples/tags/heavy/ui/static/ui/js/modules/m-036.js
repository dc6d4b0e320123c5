// ui module 036 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-109.js", "./m-061.js"];
  function init036(el) {
    if (!el) { return; }
    el.classList.add("c-036");
    el.setAttribute("data-module", "m-036");
    el.addEventListener("click", function () { el.classList.toggle("c-036--active"); });
    return { name: "m-036", deps: deps, weight: 20 };
  }
  root.ui = root.ui || {};
  root.ui["m-036"] = init036;
})(this);
