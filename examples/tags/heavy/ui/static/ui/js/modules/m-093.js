// ui module 093 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-040.js", "./m-106.js"];
  function init093(el) {
    if (!el) { return; }
    el.classList.add("c-013");
    el.setAttribute("data-module", "m-093");
    el.addEventListener("click", function () { el.classList.toggle("c-013--active"); });
    return { name: "m-093", deps: deps, weight: 8 };
  }
  root.ui = root.ui || {};
  root.ui["m-093"] = init093;
})(this);
