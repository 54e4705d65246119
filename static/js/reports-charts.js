/* Charts of the statistics pages. Data comes from a <script type="application/json"
   id="chart-data"> element (Django's json_script), so no inline script is needed (CSP). */
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("chart-data");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var received = document.getElementById("chart-received");
    if (received) {
      new window.Chart(received, {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            {label: data.text.online, data: data.received_online, backgroundColor: "#1d6e2f"},
            {label: data.text.in_person, data: data.received_in_person, backgroundColor: "#b3261e"},
            {label: data.text.postal, data: data.received_postal, backgroundColor: "#8a5a00"}
          ]
        },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true}}
        }
      });
    }
    var rates = document.getElementById("chart-rates");
    if (rates) {
      new window.Chart(rates, {
        type: "line",
        data: {
          labels: data.labels,
          datasets: [
            {label: data.text.on_time, data: data.on_time_rate, borderColor: "#1d6e2f",
             spanGaps: true},
            {label: data.text.satisfaction, data: data.satisfaction_rate,
             borderColor: "#1f4e9c", spanGaps: true}
          ]
        },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          scales: {y: {min: 0, max: 100}}
        }
      });
    }
    document.documentElement.setAttribute("data-charts", "ready");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
