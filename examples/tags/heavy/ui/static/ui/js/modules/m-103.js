// ui module 103 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-070.js", "./m-036.js"];
  function init103(el) {
    if (!el) { return; }
    el.classList.add("c-023");
    el.setAttribute("data-module", "m-103");
    el.addEventListener("click", function () { el.classList.toggle("c-023--active"); });
    return { name: "m-103", deps: deps, weight: 75 };
  }
  root.ui = root.ui || {};
  root.ui["m-103"] = init103;
})(this);
