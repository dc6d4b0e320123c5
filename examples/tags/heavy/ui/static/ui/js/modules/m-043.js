// ui module 043 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-010.js", "./m-096.js"];
  function init043(el) {
    if (!el) { return; }
    el.classList.add("c-043");
    el.setAttribute("data-module", "m-043");
    el.addEventListener("click", function () { el.classList.toggle("c-043--active"); });
    return { name: "m-043", deps: deps, weight: 77 };
  }
  root.ui = root.ui || {};
  root.ui["m-043"] = init043;
})(this);
