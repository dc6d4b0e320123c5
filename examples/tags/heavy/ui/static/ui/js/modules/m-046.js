// ui module 046 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-019.js", "./m-111.js"];
  function init046(el) {
    if (!el) { return; }
    el.classList.add("c-046");
    el.setAttribute("data-module", "m-046");
    el.addEventListener("click", function () { el.classList.toggle("c-046--active"); });
    return { name: "m-046", deps: deps, weight: 87 };
  }
  root.ui = root.ui || {};
  root.ui["m-046"] = init046;
})(this);
