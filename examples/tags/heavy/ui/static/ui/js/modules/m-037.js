// ui module 037 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-112.js", "./m-066.js"];
  function init037(el) {
    if (!el) { return; }
    el.classList.add("c-037");
    el.setAttribute("data-module", "m-037");
    el.addEventListener("click", function () { el.classList.toggle("c-037--active"); });
    return { name: "m-037", deps: deps, weight: 57 };
  }
  root.ui = root.ui || {};
  root.ui["m-037"] = init037;
})(this);
