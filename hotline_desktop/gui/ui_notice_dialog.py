# ruff: noqa
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'notice_dialog.ui'
##
## Created by: Qt User Interface Compiler version 6.12.0
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDateEdit,
    QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
    QLabel, QLineEdit, QPlainTextEdit, QSizePolicy,
    QSpacerItem, QSpinBox, QVBoxLayout, QWidget)

class Ui_NoticeDialog(object):
    def setupUi(self, NoticeDialog):
        if not NoticeDialog.objectName():
            NoticeDialog.setObjectName(u"NoticeDialog")
        NoticeDialog.resize(620, 640)
        NoticeDialog.setModal(True)
        self.mainLayout = QVBoxLayout(NoticeDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.form = QFormLayout()
        self.form.setObjectName(u"form")
        self.form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignRight|Qt.AlignTop|Qt.AlignTrailing)
        self.numberLabel = QLabel(NoticeDialog)
        self.numberLabel.setObjectName(u"numberLabel")

        self.form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.numberLabel)

        self.numberValue = QLabel(NoticeDialog)
        self.numberValue.setObjectName(u"numberValue")
        self.numberValue.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self.form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.numberValue)

        self.unitLabel = QLabel(NoticeDialog)
        self.unitLabel.setObjectName(u"unitLabel")

        self.form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.unitLabel)

        self.unitBox = QVBoxLayout()
        self.unitBox.setSpacing(2)
        self.unitBox.setObjectName(u"unitBox")
        self.unitCombo = QComboBox(NoticeDialog)
        self.unitCombo.setObjectName(u"unitCombo")
        self.unitCombo.setEditable(True)
        self.unitCombo.setInsertPolicy(QComboBox.NoInsert)
        self.unitCombo.setMaxVisibleItems(16)

        self.unitBox.addWidget(self.unitCombo)

        self.unitError = QLabel(NoticeDialog)
        self.unitError.setObjectName(u"unitError")
        self.unitError.setWordWrap(True)

        self.unitBox.addWidget(self.unitError)


        self.form.setLayout(1, QFormLayout.ItemRole.FieldRole, self.unitBox)

        self.channelLabel = QLabel(NoticeDialog)
        self.channelLabel.setObjectName(u"channelLabel")

        self.form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.channelLabel)

        self.channelLevelBox = QHBoxLayout()
        self.channelLevelBox.setObjectName(u"channelLevelBox")
        self.channelCombo = QComboBox(NoticeDialog)
        self.channelCombo.setObjectName(u"channelCombo")

        self.channelLevelBox.addWidget(self.channelCombo)

        self.levelLabel = QLabel(NoticeDialog)
        self.levelLabel.setObjectName(u"levelLabel")

        self.channelLevelBox.addWidget(self.levelLabel)

        self.levelCombo = QComboBox(NoticeDialog)
        self.levelCombo.setObjectName(u"levelCombo")

        self.channelLevelBox.addWidget(self.levelCombo)

        self.channelSpacer = QSpacerItem(10, 10, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.channelLevelBox.addItem(self.channelSpacer)


        self.form.setLayout(2, QFormLayout.ItemRole.FieldRole, self.channelLevelBox)

        self.issuedLabel = QLabel(NoticeDialog)
        self.issuedLabel.setObjectName(u"issuedLabel")

        self.form.setWidget(3, QFormLayout.ItemRole.LabelRole, self.issuedLabel)

        self.issuedBox = QVBoxLayout()
        self.issuedBox.setSpacing(2)
        self.issuedBox.setObjectName(u"issuedBox")
        self.issuedEdit = QDateEdit(NoticeDialog)
        self.issuedEdit.setObjectName(u"issuedEdit")
        self.issuedEdit.setCalendarPopup(True)

        self.issuedBox.addWidget(self.issuedEdit)

        self.issuedError = QLabel(NoticeDialog)
        self.issuedError.setObjectName(u"issuedError")
        self.issuedError.setWordWrap(True)

        self.issuedBox.addWidget(self.issuedError)


        self.form.setLayout(3, QFormLayout.ItemRole.FieldRole, self.issuedBox)

        self.daysLabel = QLabel(NoticeDialog)
        self.daysLabel.setObjectName(u"daysLabel")

        self.form.setWidget(4, QFormLayout.ItemRole.LabelRole, self.daysLabel)

        self.daysBox = QVBoxLayout()
        self.daysBox.setSpacing(2)
        self.daysBox.setObjectName(u"daysBox")
        self.daysRow = QHBoxLayout()
        self.daysRow.setObjectName(u"daysRow")
        self.daysSpin = QSpinBox(NoticeDialog)
        self.daysSpin.setObjectName(u"daysSpin")
        self.daysSpin.setMinimum(1)
        self.daysSpin.setMaximum(365)
        self.daysSpin.setValue(5)

        self.daysRow.addWidget(self.daysSpin)

        self.dayKindCombo = QComboBox(NoticeDialog)
        self.dayKindCombo.setObjectName(u"dayKindCombo")

        self.daysRow.addWidget(self.dayKindCombo)

        self.dueValue = QLabel(NoticeDialog)
        self.dueValue.setObjectName(u"dueValue")

        self.daysRow.addWidget(self.dueValue)

        self.daysSpacer = QSpacerItem(10, 10, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.daysRow.addItem(self.daysSpacer)


        self.daysBox.addLayout(self.daysRow)

        self.dueNote = QLabel(NoticeDialog)
        self.dueNote.setObjectName(u"dueNote")
        self.dueNote.setWordWrap(True)

        self.daysBox.addWidget(self.dueNote)

        self.daysError = QLabel(NoticeDialog)
        self.daysError.setObjectName(u"daysError")
        self.daysError.setWordWrap(True)

        self.daysBox.addWidget(self.daysError)


        self.form.setLayout(4, QFormLayout.ItemRole.FieldRole, self.daysBox)

        self.contentLabel = QLabel(NoticeDialog)
        self.contentLabel.setObjectName(u"contentLabel")

        self.form.setWidget(5, QFormLayout.ItemRole.LabelRole, self.contentLabel)

        self.contentBox = QVBoxLayout()
        self.contentBox.setSpacing(2)
        self.contentBox.setObjectName(u"contentBox")
        self.contentEdit = QPlainTextEdit(NoticeDialog)
        self.contentEdit.setObjectName(u"contentEdit")
        self.contentEdit.setTabChangesFocus(True)

        self.contentBox.addWidget(self.contentEdit)

        self.contentCount = QLabel(NoticeDialog)
        self.contentCount.setObjectName(u"contentCount")
        self.contentCount.setAlignment(Qt.AlignRight|Qt.AlignTrailing|Qt.AlignVCenter)

        self.contentBox.addWidget(self.contentCount)

        self.contentError = QLabel(NoticeDialog)
        self.contentError.setObjectName(u"contentError")
        self.contentError.setWordWrap(True)

        self.contentBox.addWidget(self.contentError)


        self.form.setLayout(5, QFormLayout.ItemRole.FieldRole, self.contentBox)

        self.ordersLabel = QLabel(NoticeDialog)
        self.ordersLabel.setObjectName(u"ordersLabel")

        self.form.setWidget(6, QFormLayout.ItemRole.LabelRole, self.ordersLabel)

        self.ordersBox = QVBoxLayout()
        self.ordersBox.setSpacing(2)
        self.ordersBox.setObjectName(u"ordersBox")
        self.ordersEdit = QLineEdit(NoticeDialog)
        self.ordersEdit.setObjectName(u"ordersEdit")

        self.ordersBox.addWidget(self.ordersEdit)

        self.ordersError = QLabel(NoticeDialog)
        self.ordersError.setObjectName(u"ordersError")
        self.ordersError.setWordWrap(True)

        self.ordersBox.addWidget(self.ordersError)


        self.form.setLayout(6, QFormLayout.ItemRole.FieldRole, self.ordersBox)

        self.notesLabel = QLabel(NoticeDialog)
        self.notesLabel.setObjectName(u"notesLabel")

        self.form.setWidget(7, QFormLayout.ItemRole.LabelRole, self.notesLabel)

        self.notesBox = QVBoxLayout()
        self.notesBox.setSpacing(2)
        self.notesBox.setObjectName(u"notesBox")
        self.notesEdit = QPlainTextEdit(NoticeDialog)
        self.notesEdit.setObjectName(u"notesEdit")
        self.notesEdit.setTabChangesFocus(True)
        self.notesEdit.setMaximumSize(QSize(16777215, 64))

        self.notesBox.addWidget(self.notesEdit)

        self.notesError = QLabel(NoticeDialog)
        self.notesError.setObjectName(u"notesError")
        self.notesError.setWordWrap(True)

        self.notesBox.addWidget(self.notesError)


        self.form.setLayout(7, QFormLayout.ItemRole.FieldRole, self.notesBox)


        self.mainLayout.addLayout(self.form)

        self.generalError = QLabel(NoticeDialog)
        self.generalError.setObjectName(u"generalError")
        self.generalError.setWordWrap(True)

        self.mainLayout.addWidget(self.generalError)

        self.buttonBox = QDialogButtonBox(NoticeDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.Cancel|QDialogButtonBox.Ok)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.unitLabel.setBuddy(self.unitCombo)
        self.channelLabel.setBuddy(self.channelCombo)
        self.levelLabel.setBuddy(self.levelCombo)
        self.issuedLabel.setBuddy(self.issuedEdit)
        self.daysLabel.setBuddy(self.daysSpin)
        self.contentLabel.setBuddy(self.contentEdit)
        self.ordersLabel.setBuddy(self.ordersEdit)
        self.notesLabel.setBuddy(self.notesEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.unitCombo, self.channelCombo)
        QWidget.setTabOrder(self.channelCombo, self.levelCombo)
        QWidget.setTabOrder(self.levelCombo, self.issuedEdit)
        QWidget.setTabOrder(self.issuedEdit, self.daysSpin)
        QWidget.setTabOrder(self.daysSpin, self.dayKindCombo)
        QWidget.setTabOrder(self.dayKindCombo, self.contentEdit)
        QWidget.setTabOrder(self.contentEdit, self.ordersEdit)
        QWidget.setTabOrder(self.ordersEdit, self.notesEdit)

        self.retranslateUi(NoticeDialog)

        QMetaObject.connectSlotsByName(NoticeDialog)
    # setupUi

    def retranslateUi(self, NoticeDialog):
        NoticeDialog.setWindowTitle(QCoreApplication.translate("NoticeDialog", u"\u7763\u529e\u901a\u77e5", None))
        self.numberLabel.setText(QCoreApplication.translate("NoticeDialog", u"\u7f16\u53f7\uff1a", None))
        self.numberValue.setText(QCoreApplication.translate("NoticeDialog", u"\u4e0b\u8fbe\u65f6\u81ea\u52a8\u7f16\u53f7", None))
        self.unitLabel.setText(QCoreApplication.translate("NoticeDialog", u"\u627f\u529e\u5355\u4f4d(&U)\uff1a", None))
        self.channelLabel.setText(QCoreApplication.translate("NoticeDialog", u"\u6e20\u9053(&C)\uff1a", None))
        self.levelLabel.setText(QCoreApplication.translate("NoticeDialog", u"\u7763\u529e\u65b9\u5f0f(&L)\uff1a", None))
        self.issuedLabel.setText(QCoreApplication.translate("NoticeDialog", u"\u4e0b\u8fbe\u65f6\u95f4(&D)\uff1a", None))
        self.issuedEdit.setDisplayFormat(QCoreApplication.translate("NoticeDialog", u"yyyy\u5e74M\u6708d\u65e5", None))
        self.daysLabel.setText(QCoreApplication.translate("NoticeDialog", u"\u7763\u529e\u65f6\u9650(&T)\uff1a", None))
        self.dueValue.setText("")
        self.contentLabel.setText(QCoreApplication.translate("NoticeDialog", u"\u7763\u529e\u5185\u5bb9(&M)\uff1a", None))
        self.contentEdit.setPlaceholderText(QCoreApplication.translate("NoticeDialog", u"\u7763\u529e\u4e8b\u9879\u3001\u7fa4\u4f17\u8bc9\u6c42\u53ca\u529e\u7406\u8981\u6c42", None))
        self.ordersLabel.setText(QCoreApplication.translate("NoticeDialog", u"\u5173\u8054\u5de5\u5355(&O)\uff1a", None))
        self.ordersEdit.setPlaceholderText(QCoreApplication.translate("NoticeDialog", u"\u5de5\u5355\u7f16\u53f7\uff0c\u591a\u4e2a\u7528\u9017\u53f7\u6216\u7a7a\u683c\u5206\u9694\uff0c\u53ef\u7559\u7a7a", None))
        self.notesLabel.setText(QCoreApplication.translate("NoticeDialog", u"\u5907\u6ce8(&R)\uff1a", None))
    # retranslateUi

