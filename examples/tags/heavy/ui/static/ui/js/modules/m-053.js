// ui module 053 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-040.js", "./m-026.js"];
  function init053(el) {
    if (!el) { return; }
    el.classList.add("c-053");
    el.setAttribute("data-module", "m-053");
    el.addEventListener("click", function () { el.classList.toggle("c-053--active"); });
    return { name: "m-053", deps: deps, weight: 43 };
  }
  root.ui = root.ui || {};
  root.ui["m-053"] = init053;
})(this);
