// ui module 029 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-088.js", "./m-026.js"];
  function init029(el) {
    if (!el) { return; }
    el.classList.add("c-029");
    el.setAttribute("data-module", "m-029");
    el.addEventListener("click", function () { el.classList.toggle("c-029--active"); });
    return { name: "m-029", deps: deps, weight: 64 };
  }
  root.ui = root.ui || {};
  root.ui["m-029"] = init029;
})(this);
