// ui module 109 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-088.js", "./m-066.js"];
  function init109(el) {
    if (!el) { return; }
    el.classList.add("c-029");
    el.setAttribute("data-module", "m-109");
    el.addEventListener("click", function () { el.classList.toggle("c-029--active"); });
    return { name: "m-109", deps: deps, weight: 95 };
  }
  root.ui = root.ui || {};
  root.ui["m-109"] = init109;
})(this);
